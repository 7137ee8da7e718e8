"""What the dashboard's pages compute, without Streamlit; and the login in front of them."""

"""Geoparsing: releases read (ingest), place names found (toponyms), resolved (resolve), annotated, in one pipeline."""

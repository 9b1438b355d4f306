"""Helpers every app uses (admin bases, views mixins, spreadsheets, search documents,
stored text, client addresses, database routing, the page cache); imports no app."""

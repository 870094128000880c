"""The database: URLs, engines, tables, migrations and the async Store API."""

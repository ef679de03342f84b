-- PostgreSQL only (its search index's pending list); nothing to do on SQLite.
SELECT 1;

-- On SQLite each server keeps its search index in memory (faster at the sizes SQLite serves);
-- the PostgreSQL migration of the same name moves search into the database.
SELECT 1;

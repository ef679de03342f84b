-- Every campaign kind: a best-proposals campaign declares proposals, a titling campaign people
-- (the declaration's record is then a proposal or a user). A titling campaign names the title
-- it confers and its level; a title won in an announced campaign is a title record that keeps
-- the declaration it came from (one title per declaration).
ALTER TABLE declarations DROP CONSTRAINT declarations_record_type_check;
ALTER TABLE declarations ADD CONSTRAINT declarations_record_type_check
    CHECK (record_type IN ('achievement', 'skill', 'proposal', 'person'));

ALTER TABLE campaigns ADD COLUMN title_name TEXT;
ALTER TABLE campaigns ADD COLUMN title_level TEXT CONSTRAINT campaigns_title_level_check
    CHECK (title_level IN ('enterprise', 'municipal', 'provincial', 'national'));

ALTER TABLE titles ADD COLUMN declaration_id BIGINT CONSTRAINT titles_declaration_fk REFERENCES declarations (id);
CREATE UNIQUE INDEX titles_declaration_key ON titles (declaration_id);

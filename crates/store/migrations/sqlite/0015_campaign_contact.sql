-- The person at the organiser whom units ask about the call; free text, none for older calls.
ALTER TABLE campaigns ADD COLUMN contact_person TEXT;

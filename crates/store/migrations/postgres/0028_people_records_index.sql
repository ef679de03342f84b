-- A person's skills and methods, created or learnt, found by index for their landing page
-- instead of reading every skill.
CREATE INDEX skills_creator_idx ON skills (creator_id);
CREATE INDEX skill_trainees_user_idx ON skill_trainees (user_id);

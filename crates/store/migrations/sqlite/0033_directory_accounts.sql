-- Directory sign-in (LDAP / Active Directory). A person signed in by the directory keeps the
-- distinguished name of their entry (NULL for local accounts), and a role granted because of a
-- directory group is marked, so that the next sign-in withdraws it when the group no longer
-- gives it, while roles granted by hand are never touched.
ALTER TABLE users ADD COLUMN directory_dn TEXT;
ALTER TABLE role_grants ADD COLUMN from_directory BOOLEAN NOT NULL DEFAULT FALSE;

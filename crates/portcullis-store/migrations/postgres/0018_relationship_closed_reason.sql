-- Why the side that rejected or terminated a relationship did so (the
-- console asks for a reason before either). NULL for older rows and for
-- closures without a stated reason.
ALTER TABLE relationships ADD COLUMN closed_reason TEXT;

-- Containment that cannot lock out the innocent: each stored finding keeps
-- its confidence (0–1) and explanation, which the containment policy reads;
-- a containment is `enforced` or `shadow` (what the policy would have
-- contained, recorded without holding anyone back).

ALTER TABLE findings ADD COLUMN confidence DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN explanation TEXT NOT NULL DEFAULT '';
UPDATE findings SET
    confidence = COALESCE((body::jsonb ->> 'confidence_score')::DOUBLE PRECISION / 100.0, 0),
    explanation = COALESCE(body::jsonb ->> 'message', '');

ALTER TABLE containments ADD COLUMN mode TEXT NOT NULL DEFAULT 'enforced'
    CHECK (mode IN ('enforced', 'shadow'));
CREATE INDEX containments_finding ON containments (finding_id);

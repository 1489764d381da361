-- Photos of a contact's business card, front and back, taken on the tablet and uploaded after the
-- lead (`routes::photos`). Named by the SHA-256 of their bytes, so an upload sent twice is stored
-- once; a new photo of a side replaces the one before. Erasing the contact's personal data deletes
-- them (`web_edit::erase`).
CREATE TABLE lead_photos (
    lead_id      TEXT    NOT NULL REFERENCES leads (id),
    side         TEXT    NOT NULL, -- 'front' or 'back'
    sha256       TEXT    NOT NULL, -- lower-case hex of the bytes
    content_type TEXT    NOT NULL, -- image/jpeg or image/webp
    bytes        BLOB    NOT NULL,
    size         INTEGER NOT NULL,
    uploaded_by  INTEGER NOT NULL REFERENCES users (id),
    uploaded_at  TEXT    NOT NULL, -- RFC 3339, the server's clock
    PRIMARY KEY (lead_id, side)
);

-- The sample company's own database (planning.db): the planner's accounts, the timetables
-- each account made (a foreign key to its account), and the invoices, which carry the
-- billing name and address themselves and are kept seven years after an erasure.
-- testklant@voorbeeld.example is the company's own test customer (control_address).
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    naam TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    school TEXT NOT NULL,
    aangemaakt TEXT NOT NULL,
    beperkt INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE roosters (
    id INTEGER PRIMARY KEY,
    account INTEGER NOT NULL REFERENCES accounts(id),
    naam TEXT NOT NULL,
    gewijzigd TEXT NOT NULL
);
CREATE TABLE facturen (
    nummer TEXT PRIMARY KEY,
    naam TEXT NOT NULL,
    email TEXT NOT NULL,
    factuurdatum TEXT NOT NULL,
    bedrag TEXT NOT NULL
);

INSERT INTO accounts (id, naam, email, school, aangemaakt) VALUES
    (1, 'Sanne de Vries', 'sanne.devries@example.net', 'Voorbeeldcollege Zwolle', '2021-09-01'),
    (2, 'Tom Baker', 'tom.baker@example.com', 'Example Academy Leeds', '2022-02-14'),
    (3, 'Ingrid Mulder', 'ingrid.mulder@example.nl', 'Voorbeeldschool Deventer', '2019-05-20'),
    (4, 'Jessica Miller', 'jess.smith@example.com', 'Voorbeeldcollege Utrecht', '2023-01-09'),
    (5, 'Marloes Hendriks', 'marloes.h@example.nl', 'Voorbeeldschool Kampen', '2020-11-30'),
    (6, 'Erik Jansen', 'erik.jansen@example.nl', 'Voorbeeldlyceum Apeldoorn', '2018-03-03'),
    (7, 'Testklant Voorbeeld', 'testklant@voorbeeld.example', 'Testschool', '2018-01-01');

INSERT INTO roosters (id, account, naam, gewijzigd) VALUES
    (1, 1, 'Rooster 4 havo 2026-2027', '2026-08-20'),
    (2, 2, 'Year 9 timetable 2024-2025', '2024-08-28'),
    (3, 2, 'Year 10 timetable 2025-2026', '2025-08-27'),
    (4, 2, 'Exam week June 2026', '2026-05-11'),
    (5, 3, 'Rooster onderbouw 2025-2026', '2025-08-18'),
    (6, 3, 'Toetsweek april 2026', '2026-03-30'),
    (7, 4, 'Rooster bovenbouw 2026-2027', '2026-08-24'),
    (8, 5, 'Rooster groep 7 2026-2027', '2026-08-19'),
    (9, 6, 'Rooster vwo 5 2025-2026', '2025-08-25'),
    (10, 7, 'Testrooster', '2018-01-01');

INSERT INTO facturen (nummer, naam, email, factuurdatum, bedrag) VALUES
    ('2023-045', 'Erik Jansen', 'erik.jansen@example.nl', '2023-06-30', '120.00'),
    ('2024-088', 'Tom Baker', 'tom.baker@example.com', '2024-09-30', '240.00'),
    ('2025-017', 'Ingrid Mulder', 'ingrid.mulder@example.nl', '2025-03-01', '180.00'),
    ('2025-091', 'Tom Baker', 'tom.baker@example.com', '2025-09-30', '240.00');

CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, price_cents INT NOT NULL);
INSERT INTO products VALUES (1, 'kettle', 2500), (2, 'teapot', 1800), (3, 'mug', 600);

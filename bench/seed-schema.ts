/**
 * A seeded schema of `tables` tables holding about `bytes` of rows in total, with an auto-increment
 * key, a secondary index, a view and a trigger: the shape the isolation targets are stated for.
 */
export function seedSql(tables = 20, bytes = 1_000_000): string {
  const rowsPerTable = Math.max(1, Math.round(bytes / (tables - 1) / 100));
  const out: string[] = [];
  for (let t = 1; t < tables; t++) {
    out.push(`CREATE TABLE t${t} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, body VARCHAR(100) NOT NULL, n INT NOT NULL, KEY by_name (name));`);
    const values: string[] = [];
    for (let r = 1; r <= rowsPerTable; r++) values.push(`('name ${r}', '${'x'.repeat(50)}${r}', ${r})`);
    out.push(`INSERT INTO t${t} (name, body, n) VALUES ${values.join(', ')};`);
  }
  out.push('CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(40) NOT NULL);');
  out.push("CREATE TRIGGER t1_audit AFTER INSERT ON t1 FOR EACH ROW INSERT INTO audit (what) VALUES (CONCAT('t1 ', NEW.id));");
  out.push('CREATE VIEW t1_names AS SELECT id, name FROM t1;');
  return out.join('\n');
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// Runs a child process, collecting its output and passing each line to an optional progress callback.
import { spawn } from 'node:child_process';

export type RunResult = { readonly code: number; readonly stdout: string; readonly stderr: string };

export type RunOptions = {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly input?: string;
  /** Called with every non-empty output line (stdout and stderr), e.g. to show build progress. */
  readonly onLine?: (line: string) => void;
};

export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const lineSplitter = () => {
      let pending = '';
      return (chunk: Buffer) => {
        if (!options.onLine) return;
        pending += chunk.toString('utf8');
        const lines = pending.split(/\r?\n|\r/);
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') options.onLine(line);
      };
    };
    const onOut = lineSplitter();
    const onErr = lineSplitter();
    child.stdout?.on('data', (chunk: Buffer) => {
      out.push(chunk);
      onOut(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err.push(chunk);
      onErr(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** The last lines of a failed command's output, for an error message that shows the cause. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

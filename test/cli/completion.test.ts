import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planner } from './run.js';

/**
 * The completion scripts are generated from the commander tree; this test reads the commands and options
 * from `planner --help` instead, so a command or option the generator missed fails here.
 */
async function helpOf(path: string[]): Promise<{ commands: string[]; options: string[] }> {
  const { stdout } = await planner([...path, '--help']);
  const section = (title: string) => stdout.split(`${title}:\n`)[1]?.split(/\n\n/)[0] ?? '';
  const commands = [...section('Commands').matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!);
  const options = [...section('Options').matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!);
  return { commands, options };
}

async function commandTree(): Promise<Array<{ path: string[]; options: string[] }>> {
  const tree: Array<{ path: string[]; options: string[] }> = [];
  const visit = async (path: string[]) => {
    const { commands, options } = await helpOf(path);
    tree.push({ path, options });
    for (const command of commands.filter((c) => c !== 'help')) await visit([...path, command]);
  };
  await visit([]);
  return tree;
}

const hasShell = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;

describe('planner completion bash|zsh|fish', () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    it(`${shell}: names every command and every option planner --help lists`, async () => {
      const { exitCode, stdout } = await planner(['completion', shell]);
      expect(exitCode).toBe(0);
      const tree = await commandTree();
      expect(tree.length).toBeGreaterThanOrEqual(14);
      for (const { path, options } of tree) {
        for (const name of path) expect(stdout, `command ${path.join(' ')}`).toMatch(new RegExp(`\\b${name}\\b`));
        expect(options.length).toBeGreaterThan(0);
        for (const option of options) {
          // fish writes `-l name`; bash and zsh the flag itself.
          const written = shell === 'fish' ? `-l ${option.slice(2)}` : option;
          expect(stdout, `${path.join(' ') || 'planner'} ${option}`).toContain(written);
        }
      }
    });
  }

  it('rejects an unknown shell (exit 2)', async () => {
    const { exitCode, stderr } = await planner(['completion', 'powershell']);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/bash, zsh, fish/);
  });

  it('bash: the script parses and completes commands, options, option choices and subcommands', async () => {
    const { stdout } = await planner(['completion', 'bash']);
    const dir = mkdtempSync(join(tmpdir(), 'planner-completion-'));
    const script = join(dir, 'planner.bash');
    writeFileSync(script, stdout);
    const complete = (...words: string[]) => {
      const body = [
        `source ${JSON.stringify(script)}`,
        `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=()`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a template
        '_planner_completion; printf "%s\\n" "${COMPREPLY[@]}"',
      ].join('\n');
      const result = spawnSync('bash', ['-c', body], { encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      return result.stdout.split('\n').filter(Boolean);
    };
    expect(complete('planner', 'so')).toEqual(['solve', 'solvers']);
    expect(complete('planner', 'solve', '--qu')).toEqual(['--quiet']);
    expect(complete('planner', 'solve', '--strategy', '')).toEqual(['auto', 'joint', 'per-window', 'rolling', 'lp-rolling']);
    expect(complete('planner', 'profile', '')).toEqual(['import']);
    expect(complete('planner', 'profile', 'import', '--fr')).toEqual(['--from']);
    expect(complete('planner', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('planner', 'simulate', '--time-limit', '')).toEqual([]);
  });

  for (const shell of ['zsh', 'fish']) {
    const installed = hasShell(shell);
    it.skipIf(!installed)(
      installed ? `${shell}: the script parses` : `${shell} syntax check skipped: ${shell} is not installed`,
      async () => {
        const { stdout } = await planner(['completion', shell]);
        const result = spawnSync(shell, ['-n'], { input: stdout, encoding: 'utf8' });
        expect(result.status, result.stderr).toBe(0);
      },
    );
  }
});

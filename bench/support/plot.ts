import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ROOT } from './processes';
import { SCRATCH } from './stack';

// bench/.venv by default (gitignored); BENCH_VENV puts it elsewhere (eslint must ignore bench/.venv: matplotlib ships .js).
const VENV = process.env.BENCH_VENV ?? join(ROOT, 'bench', '.venv');
const PYTHON = join(VENV, 'bin', 'python');

/** Makes bench/.venv with matplotlib from PyPI (once); answers its python. */
function matplotlibPython(): string {
  if (!existsSync(PYTHON)) execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
  try {
    execFileSync(PYTHON, ['-c', 'import matplotlib'], { stdio: 'ignore' });
  } catch {
    execFileSync(PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'matplotlib'], {
      stdio: 'inherit',
    });
  }
  return PYTHON;
}

/** Draws the growth figures (bench/plot-growth.py) into `image`; answers its path relative to the repository, or why not. */
export async function plotGrowth(rows: unknown[], image: string): Promise<string> {
  try {
    const data = join(SCRATCH, 'growth-rows.json');
    writeFileSync(data, JSON.stringify(rows));
    mkdirSync(dirname(image), { recursive: true });
    execFileSync(matplotlibPython(), [join(ROOT, 'bench', 'plot-growth.py'), data, image], { stdio: 'inherit' });
    return relative(ROOT, image);
  } catch (err) {
    return `not drawn: ${(err as Error).message.split('\n')[0]}`;
  }
}

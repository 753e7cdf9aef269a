/**
 * `npm run bench`: every figure is a ratio against a baseline measured in the same run.
 */
import { benchSynth } from './bench/synth';

function main() {
  const synth = benchSynth();
  const rows = [
    ['synth of all environments', 'product (deep imports)', 'baseline (root import)', 'ratio', 'target'],
    [
      'wall time',
      `${synth.product.milliseconds.toFixed(0)} ms`,
      `${synth.rootImportBaseline.milliseconds.toFixed(0)} ms`,
      `${synth.speedup.toFixed(1)}x faster`,
      `>= 5x ${synth.speedup >= 5 ? 'met' : 'MISSED'}`,
    ],
    [
      'peak memory (RSS)',
      `${synth.product.peakRssMiB.toFixed(0)} MiB`,
      `${synth.rootImportBaseline.peakRssMiB.toFixed(0)} MiB`,
      `${synth.memoryReduction.toFixed(1)}x less`,
      `>= 3x ${synth.memoryReduction >= 3 ? 'met' : 'MISSED'}`,
    ],
  ];
  printTable(rows);
}

function printTable(rows: string[][]) {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
}

main();

import { measureNode, median, type ProcessMeasurement } from './measure';

type SynthMeasurement = Pick<ProcessMeasurement, 'milliseconds' | 'peakRssMiB'>;

export interface SynthFigures {
  product: SynthMeasurement;
  rootImportBaseline: SynthMeasurement;
  speedup: number;
  memoryReduction: number;
}

/**
 * Synth of every environment, as `npm run synth` runs it, against a baseline that differs only by
 * loading `@cdktf/provider-aws` from its package root first (what a root import costs). Runs are
 * interleaved and the median is kept, so both sides see the same machine conditions.
 */
export function benchSynth(runs = 5): SynthFigures {
  const product: ProcessMeasurement[] = [];
  const baseline: ProcessMeasurement[] = [];
  for (let run = 0; run < runs; run++) {
    product.push(measureNode(['--import', 'tsx', 'main.ts']));
    baseline.push(measureNode(['--require', '@cdktf/provider-aws', '--import', 'tsx', 'main.ts']));
  }
  const summarize = (samples: ProcessMeasurement[]) => ({
    milliseconds: median(samples.map((sample) => sample.milliseconds)),
    peakRssMiB: median(samples.map((sample) => sample.peakRssMiB)),
  });
  const productFigures = summarize(product);
  const baselineFigures = summarize(baseline);
  return {
    product: productFigures,
    rootImportBaseline: baselineFigures,
    speedup: baselineFigures.milliseconds / productFigures.milliseconds,
    memoryReduction: baselineFigures.peakRssMiB / productFigures.peakRssMiB,
  };
}

import { apiServerStep } from './api-server.ts';
import { claimStep } from './claim.ts';
import { clusterStep } from './cluster.ts';
import { gatewayApiCrdsStep } from './gateway-api-crds.ts';
import { imagesStep } from './images.ts';
import { implementationStep } from './implementation.ts';
import { metallbStep } from './metallb.ts';
import { preflightStep } from './preflight.ts';
import { reachStep } from './reach.ts';
import type { KindPipelineEntry } from './step.ts';
import { toolsStep } from './tools.ts';

/**
 * The `--provider kind` pipeline, in order (the claim on the cluster name right after the
 * preflight, before anything is downloaded or created): what start runs (the runner) and what
 * `--dry-run` prints (the plan printer) are this one list. Teardown undoes the started steps in
 * reverse, so the claim is released last, once the cluster is gone.
 */
export const kindPipeline: readonly KindPipelineEntry[] = [
  preflightStep,
  claimStep,
  toolsStep,
  clusterStep,
  apiServerStep,
  imagesStep,
  {
    id: 'installs',
    heading: 'Concurrently, once the API server answers:',
    concurrent: [metallbStep, gatewayApiCrdsStep, implementationStep],
  },
  reachStep,
];

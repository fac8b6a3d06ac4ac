import { apiServerStep } from './api-server.ts';
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
 * The `--provider kind` pipeline, in order: what start runs (the runner) and what `--dry-run`
 * prints (the plan printer) are this one list. Teardown undoes the started steps in reverse.
 */
export const kindPipeline: readonly KindPipelineEntry[] = [
  preflightStep,
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

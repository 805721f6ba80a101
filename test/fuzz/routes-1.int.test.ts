/** Hostile input, part 1 of 4 of the routes: see harness.ts. */
import { fuzzPart } from './harness.ts';

fuzzPart(0);

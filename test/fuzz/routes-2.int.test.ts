/** Hostile input, part 2 of 4 of the routes: see harness.ts. */
import { fuzzPart } from './harness.ts';

fuzzPart(1);

/** Hostile input, part 4 of 4 of the routes: see harness.ts. */
import { fuzzPart } from './harness.ts';

fuzzPart(3);

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { VNode } from 'preact';
import { feature } from 'topojson-client';
import { geoEqualEarth, geoPath } from 'd3-geo';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { FeatureCollection, Geometry } from 'geojson';
import { bucket } from './coverage.ts';

/** Sequential blues with enough contrast between steps; 0 is a light grey. */
export const HEAT_COLOURS = ['#eef1f4', '#c6dbef', '#6baed6', '#2171b5', '#08306b'] as const;
export const WIDTH = 960;
export const HEIGHT = 470;

interface Shape {
  m49: string;
  name: string;
  d: string;
}

let shapes: Shape[] | null = null;

/**
 * Country outlines from Natural Earth (world-atlas, 1:110 million), projected once per process
 * (Equal Earth keeps areas true, so no region looks bigger than it is).
 */
export function worldShapes(): Shape[] {
  if (shapes) return shapes;
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(
    readFileSync(require.resolve('world-atlas/countries-110m.json'), 'utf8'),
  ) as Topology<{
    countries: GeometryCollection<{ name: string }>;
  }>;
  const collection = feature(topology, topology.objects.countries) as unknown as FeatureCollection<
    Geometry,
    { name: string }
  >;
  const land = {
    ...collection,
    features: collection.features.filter((f) => f.properties.name !== 'Antarctica'),
  };
  const projection = geoEqualEarth().fitSize([WIDTH, HEIGHT], land);
  const path = geoPath(projection).digits(0);
  shapes = land.features
    .map((f) => ({ m49: String(f.id ?? ''), name: f.properties.name, d: path(f) ?? '' }))
    .filter((s) => s.d);
  return shapes;
}

/**
 * The world map as SVG, readable without JavaScript: one shape per country filled by its count,
 * each with a <title> naming the country and the figure. A table gives the same numbers.
 */
export function CoverageMap(props: {
  counts: ReadonlyMap<string, number>;
  /** M49 code → { iso2, name in the reader's language }. */
  countriesByM49: ReadonlyMap<string, { iso2: string; name: string }>;
  title: string;
  description: string;
  label: (n: number, name: string) => string;
}): VNode {
  return (
    <svg
      class="world-map"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-labelledby="map-title map-desc"
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id="map-title">{props.title}</title>
      <desc id="map-desc">{props.description}</desc>
      <g stroke="#5b6570" stroke-width="0.4" stroke-linejoin="round">
        {worldShapes().map((s) => {
          const country = props.countriesByM49.get(s.m49);
          const n = country ? (props.counts.get(country.iso2) ?? 0) : 0;
          return (
            <path key={s.m49 || s.name} d={s.d} fill={HEAT_COLOURS[bucket(n)]}>
              <title>{props.label(n, country?.name ?? s.name)}</title>
            </path>
          );
        })}
      </g>
    </svg>
  );
}

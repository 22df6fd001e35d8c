import { describe, expect, it } from 'vitest';
import { checkImage, parseImageReference } from '../../lib/core/image';

const digest = `sha256:${'a1'.repeat(32)}`;

describe('image references', () => {
  it.each([
    'postgres:15.8',
    'mcr.microsoft.com/azure-cli:2.64.0',
    'localhost:5000/team/app:v1',
    `postgres@${digest}`,
    `velero/velero:v1.16.1@${digest}`,
    'registry.k8s.io/pause:3.9',
    `postgres:latest@${digest}`,
  ])('accepts %s', (image) => {
    expect(checkImage('p', 'image', image)).toBe(image);
  });

  it.each([
    'postgres',
    'postgres:latest',
    'Postgres:15',
    'postgres:15 ',
    'postgres:15\nx',
    '-postgres:15',
    'postgres@sha256:abc',
    'postgres:',
    '',
    15,
    ['postgres:15'],
    null,
  ])('refuses %j', (image) => {
    expect(() => checkImage('app/db', 'image', image)).toThrow(/^app\/db: image .* is not allowed: an image reference/);
  });

  it('parses the parts', () => {
    expect(parseImageReference(`mcr.microsoft.com/azure-cli:2.64.0@${digest}`)).toEqual({
      repository: 'mcr.microsoft.com/azure-cli',
      tag: '2.64.0',
      digest,
    });
    expect(parseImageReference(`postgres@${digest}`)).toEqual({ repository: 'postgres', digest });
    expect(parseImageReference('postgres:16.4')).toEqual({ repository: 'postgres', tag: '16.4' });
  });
});

import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AksStatefulValidationError, ZonalStatefulSet, ZonalStatefulSetProps } from '../../lib';
import { KplusPodRendering } from '../../lib/workloads/kplus-pod-rendering';
import { PROPERTY_PARAMETERS } from '../support/hostile';
import { synthValid } from '../support/validate-manifests';

/*
 * Containers of plain props are rendered by the library itself (lib/workloads/plain-containers.ts),
 * all others by cdk8s-plus. Reading a set's `containers` hands the rendering to cdk8s-plus, so the
 * same props synthesized with and without that read must give the same objects, whatever they are.
 */

const ZONES = ['westeurope-1', 'westeurope-2', 'westeurope-3'];

function synthesize(props: ZonalStatefulSetProps, throughCdk8sPlus: boolean) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
  const set = new ZonalStatefulSet(chart, 'kv', props);
  if (throughCdk8sPlus) expect(set.containers.map((c) => c.name)).toHaveLength(props.containers.length);
  // Which renderer ran: cdk8s-plus's pod only on the path that handed the containers out.
  const rendering = vi.spyOn(KplusPodRendering.prototype, 'render');
  try {
    const objects = synthValid(chart);
    if (throughCdk8sPlus) expect(rendering).toHaveBeenCalled();
    else expect(rendering).not.toHaveBeenCalled();
    return objects;
  } finally {
    rendering.mockRestore();
  }
}

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const words = fc.array(fc.stringMatching(/^[A-Za-z0-9 ./=-]{1,12}$/), { maxLength: 3 });
const securityContext = fc
  .record(
    {
      ensureNonRoot: fc.boolean(),
      readOnlyRootFilesystem: fc.boolean(),
      allowPrivilegeEscalation: fc.boolean(),
      privileged: fc.constant(false),
      user: fc.integer({ min: 0, max: 65534 }),
      group: fc.integer({ min: 0, max: 65534 }),
      capabilities: fc.record(
        {
          drop: fc.constantFrom(['ALL'], ['NET_RAW'], ['CAP_NET_RAW', 'CAP_SYS_TIME'], []),
          add: fc.constantFrom(['NET_BIND_SERVICE'], ['CAP_NET_BIND_SERVICE'], []),
        },
        { requiredKeys: [], noNullPrototype: true },
      ),
    },
    { requiredKeys: [], noNullPrototype: true },
  )
  // uid 0 only where the container does not promise to run as non-root.
  .map((c) => (c.user === 0 ? { ...c, ensureNonRoot: false } : c));

/** A container of plain props: ports numbered from `base` so that names and numbers stay distinct. */
const container = (base: number): fc.Arbitrary<kplus.ContainerProps> =>
  fc
    .record(
      {
        image: fc.constantFrom('busybox:1.36', 'registry.example.com/team/app:2.1', 'valkey/valkey:8.1'),
        portNumber: fc.option(fc.constant(base), { nil: undefined }),
        // portNumber's deprecated name instead.
        alias: fc.boolean(),
        ports: fc.option(
          fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { maxLength: 3 }).map((offsets) =>
            offsets.map((o, i) => ({
              number: base + o,
              name: `p${base}-${i}`,
              ...(o % 2 === 0 ? { protocol: kplus.Protocol.UDP } : {}),
            })),
          ),
          { nil: undefined },
        ),
        command: fc.option(words, { nil: undefined }),
        args: fc.option(words, { nil: undefined }),
        workingDir: fc.option(fc.constantFrom('/work', '/srv/app'), { nil: undefined }),
        imagePullPolicy: fc.option(fc.constantFrom(kplus.ImagePullPolicy.IF_NOT_PRESENT, kplus.ImagePullPolicy.NEVER), {
          nil: undefined,
        }),
        securityContext: fc.option(securityContext, { nil: undefined }),
      },
      { requiredKeys: ['image'], noNullPrototype: true },
    )
    .map(
      ({ alias, ...c }) =>
        (alias && c.portNumber ? { ...c, portNumber: undefined, port: c.portNumber } : c) as kplus.ContainerProps,
    );

/** The one port a container gets from portNumber (or port). */
const single = (c: kplus.ContainerProps) => c.portNumber ?? c.port;

const setProps: fc.Arbitrary<ZonalStatefulSetProps> = fc
  .record({
    names: fc.uniqueArray(name, { minLength: 4, maxLength: 4 }),
    main: container(1000),
    second: fc.option(container(2000), { nil: undefined }),
    // Init containers take no portNumber (it would get a startup probe); ports they may have.
    inits: fc.array(
      container(3000).map(({ portNumber: _p, port: _q, ...rest }) => rest),
      { maxLength: 2 },
    ),
    unnamed: fc.boolean(),
  })
  .map(({ names, main, second, inits, unnamed }) => {
    const containers = [
      unnamed ? main : { ...main, name: names[0] },
      ...(second ? [{ ...second, name: names[1] }] : []),
    ];
    // The headless Service takes every port: when there are several, each must be named.
    const several = containers.flatMap((c) => [...(single(c) ? [1] : []), ...(c.ports ?? [])]).length > 1;
    return {
      zones: ZONES,
      containers: several
        ? containers.map((c, i) => ({
            ...c,
            portNumber: undefined,
            port: undefined,
            ports: [...(single(c) ? [{ number: single(c)!, name: `m${i}` }] : []), ...(c.ports ?? [])],
          }))
        : containers,
      initContainers:
        inits.length > 0
          ? inits.map((init, i) => ({
              ...init,
              ports: i === 0 ? init.ports : undefined,
              ...(unnamed ? {} : { name: names[2 + i] }),
            }))
          : undefined,
    };
  });

describe('containers of plain props', () => {
  it('synthesize exactly as cdk8s-plus renders the same props', () => {
    fc.assert(
      fc.property(setProps, (props) => {
        expect(synthesize(props, false)).toEqual(synthesize(props, true));
      }),
      { ...PROPERTY_PARAMETERS, numRuns: 60 },
    );
  });

  it('render cdk8s-plus defaults: resources, security context, pull policy and a startup probe on portNumber', () => {
    const [sts] = synthesize(
      { zones: ZONES, containers: [{ image: 'valkey/valkey:8.1', portNumber: 6379 }] },
      false,
    ).filter((o) => o.kind === 'StatefulSet');
    expect(sts.spec.template.spec.containers).toEqual([
      {
        name: 'main',
        image: 'valkey/valkey:8.1',
        imagePullPolicy: 'Always',
        ports: [{ containerPort: 6379 }],
        startupProbe: { failureThreshold: 3, tcpSocket: { port: 6379 } },
        resources: { limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' } },
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          privileged: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
        },
      },
    ]);
  });

  it('are cdk8s-plus Containers once read, and a volume mounted then is rendered', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    const set = new ZonalStatefulSet(chart, 'kv', {
      zones: ZONES,
      containers: [{ name: 'app', image: 'busybox:1.36' }],
    });
    const [app] = set.containers;
    expect(app).toBeInstanceOf(kplus.Container);
    expect(set.containers[0]).toBe(app);
    app.mount('/cache', kplus.Volume.fromEmptyDir(chart, 'cache', 'cache'));
    const sts = synthValid(chart).find((o) => o.kind === 'StatefulSet')!;
    expect(sts.spec.template.spec.containers[0].volumeMounts).toEqual([{ mountPath: '/cache', name: 'cache' }]);
    expect(sts.spec.template.spec.volumes).toEqual([{ emptyDir: {}, name: 'cache' }]);
  });
});

describe('props changed by the caller after construction', () => {
  it.each([false, true])('do not reach the manifest (handed to cdk8s-plus: %s)', (throughCdk8sPlus) => {
    const props = { image: 'nginx:1.27', args: ['--a'], workingDir: '/srv', securityContext: { user: 1000 } };
    const expected = synthesize({ zones: ZONES, containers: [structuredClone(props)] }, throughCdk8sPlus);
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    const set = new ZonalStatefulSet(chart, 'kv', { zones: ZONES, containers: [props] });
    Object.assign(props, { image: 'nginx:1.28', workingDir: 'relative' });
    props.args.push('--b');
    props.securityContext.user = 0;
    if (throughCdk8sPlus) void set.containers;
    expect(synthValid(chart)).toEqual(expected);
  });
});

describe('props from objects without a prototype', () => {
  it('synthesize through cdk8s-plus too', () => {
    const capabilities = Object.assign(Object.create(null), { drop: ['ALL'] });
    const securityContext = Object.assign(Object.create(null), { user: 1000, capabilities });
    const chart = new Chart(Testing.app(), 'test');
    new ZonalStatefulSet(chart, 'kv', {
      zones: ZONES,
      containers: [{ image: 'busybox:1.36', securityContext, readiness: kplus.Probe.fromCommand(['true']) }],
    });
    const sts = synthValid(chart).find((o) => o.kind === 'StatefulSet')!;
    expect(sts.spec.template.spec.containers[0].securityContext).toMatchObject({
      runAsUser: 1000,
      capabilities: { drop: ['ALL'] },
    });
  });
});

describe('container port rules', () => {
  const refuse = (containers: kplus.ContainerProps[], field: string) => {
    const chart = new Chart(Testing.app(), 'test');
    let error: unknown;
    try {
      new ZonalStatefulSet(chart, 'kv', { zones: ZONES, containers });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AksStatefulValidationError);
    expect((error as AksStatefulValidationError).message).toContain(`test/kv: ${field}`);
  };

  it('refuses port and portNumber together', () =>
    refuse([{ image: 'busybox:1.36', port: 80, portNumber: 8080 }], 'containers[0].port'));
  it('refuses two ports of one name', () =>
    refuse(
      [
        {
          image: 'busybox:1.36',
          ports: [
            { number: 80, name: 'http' },
            { number: 81, name: 'http' },
          ],
        },
      ],
      'containers[0].ports[1].name',
    ));
  it('refuses a port number twice for one protocol, the portNumber included', () =>
    refuse(
      [{ image: 'busybox:1.36', portNumber: 80, ports: [{ number: 80, name: 'http' }] }],
      'containers[0].ports[0].number',
    ));
  it('takes one number for TCP and UDP', () => {
    const chart = new Chart(Testing.app(), 'test');
    new ZonalStatefulSet(chart, 'kv', {
      zones: ZONES,
      containers: [
        {
          image: 'busybox:1.36',
          ports: [
            { number: 53, name: 'dns-tcp' },
            { number: 53, name: 'dns-udp', protocol: kplus.Protocol.UDP },
          ],
        },
      ],
    });
    const sts = synthValid(chart).find((o) => o.kind === 'StatefulSet')!;
    expect(sts.spec.template.spec.containers[0].ports).toHaveLength(2);
  });
  it('refuses a field a port does not have', () =>
    refuse([{ image: 'busybox:1.36', ports: [{ number: 80, nmae: 'http' } as never] }], 'containers[0].ports[0].nmae'));
  it('refuses a field a container security context does not have', () =>
    refuse(
      [{ image: 'busybox:1.36', securityContext: { runAsUser: 1000 } as never }],
      'containers[0].securityContext.runAsUser',
    ));
});

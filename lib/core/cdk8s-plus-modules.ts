/*
 * cdk8s-plus-27's run-time modules, loaded on first use. The constructs emit their objects without
 * cdk8s-plus (lib/core/kube-objects.ts); cdk8s-plus values (volumes, probes, env values, CPU
 * amounts, containers to mount into) reach them only from a caller who loaded cdk8s-plus, so
 * these are required only where such a value is checked or rendered, and a program that uses none
 * never loads cdk8s-plus (a test asserts it). `require` is cached: later calls cost a lookup.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading is the point of this module */
import type * as ContainerModule from 'cdk8s-plus-27/lib/container';
import type * as HandlerModule from 'cdk8s-plus-27/lib/handler';
import type * as K8sModule from 'cdk8s-plus-27/lib/imports/k8s';
import type * as PodModule from 'cdk8s-plus-27/lib/pod';
import type * as ProbeModule from 'cdk8s-plus-27/lib/probe';
import type * as PvcModule from 'cdk8s-plus-27/lib/pvc';
import type * as VolumeModule from 'cdk8s-plus-27/lib/volume';

/** `cdk8s-plus-27/lib/container`: Container, EnvValue, EnvFrom, Cpu. */
export const kplusContainerModule = (): typeof ContainerModule => require('cdk8s-plus-27/lib/container');
/** `cdk8s-plus-27/lib/handler`: Handler. */
export const kplusHandlerModule = (): typeof HandlerModule => require('cdk8s-plus-27/lib/handler');
/** `cdk8s-plus-27/lib/imports/k8s`: the generated Kubernetes classes (Quantity). */
export const kplusK8sModule = (): typeof K8sModule => require('cdk8s-plus-27/lib/imports/k8s');
/** `cdk8s-plus-27/lib/pod`: Pod. */
export const kplusPodModule = (): typeof PodModule => require('cdk8s-plus-27/lib/pod');
/** `cdk8s-plus-27/lib/probe`: Probe. */
export const kplusProbeModule = (): typeof ProbeModule => require('cdk8s-plus-27/lib/probe');
/** `cdk8s-plus-27/lib/pvc`: PersistentVolumeClaim. */
export const kplusPvcModule = (): typeof PvcModule => require('cdk8s-plus-27/lib/pvc');
/** `cdk8s-plus-27/lib/volume`: Volume. */
export const kplusVolumeModule = (): typeof VolumeModule => require('cdk8s-plus-27/lib/volume');

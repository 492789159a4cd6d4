// Validates a recorded Kubernetes resource against the official OpenAPI schemas (kubernetes-models, offline).
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';

type Model = { validate(): void };
type ModelClass = new (data: never) => Model;

/** Pulumi type token → schema model. A Kubernetes type missing here fails the test that meets it. */
const models: Readonly<Record<string, ModelClass>> = {
  'kubernetes:core/v1:Namespace': Namespace,
  'kubernetes:core/v1:Secret': Secret,
  'kubernetes:core/v1:ConfigMap': ConfigMap,
  'kubernetes:core/v1:Service': Service,
  'kubernetes:apps/v1:Deployment': Deployment,
  'kubernetes:apps/v1:StatefulSet': StatefulSet,
  'kubernetes:policy/v1:PodDisruptionBudget': PodDisruptionBudget,
  'kubernetes:networking.k8s.io/v1:NetworkPolicy': NetworkPolicy,
  'kubernetes:autoscaling/v2:HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'kubernetes:storage.k8s.io/v1:StorageClass': StorageClass,
};

/** Kubernetes object types (providers are resources too, but not objects in the cluster). */
export function isKubernetesObjectType(type: string): boolean {
  return type.startsWith('kubernetes:') && !type.startsWith('pulumi:providers:');
}

/** Throws with the schema's error list when the object is invalid or no schema is known for its type. */
export function validateKubernetesObject(type: string, object: Record<string, unknown>): void {
  const Model = models[type];
  if (!Model) throw new Error(`no Kubernetes schema registered for ${type}`);
  new Model(object as never).validate();
}

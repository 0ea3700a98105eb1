import type { JSONSchemaProps } from './json-schema-props.js';
import type { PrinterColumnSource, ScaleSubresourceSource } from './custom-resource-source.js';

/** One served version of a CRD, as `spec.versions[]`. */
export interface CustomResourceDefinitionVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema: { openAPIV3Schema: JSONSchemaProps };
  additionalPrinterColumns?: PrinterColumnSource[];
  subresources?: { status?: Record<string, never>; scale?: ScaleSubresourceSource };
}

/** `spec.conversion` with the Webhook strategy: the API server converts through the manager's `/convert`. */
export interface CustomResourceConversion {
  strategy: 'Webhook';
  webhook: {
    clientConfig: { service: { name: string; namespace: string; path: string } };
    conversionReviewVersions: string[];
  };
}

/** An apiextensions.k8s.io/v1 CustomResourceDefinition, as plain data ready to be written as YAML. */
export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: 'Namespaced' | 'Cluster';
    versions: CustomResourceDefinitionVersion[];
    conversion?: CustomResourceConversion;
  };
}

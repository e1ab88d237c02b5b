"""Offline schema checks of rendered Kubernetes manifests, run by scripts/deploy-check.sh.

  deploy-validate.py validate --k8s VERSION --crd FILE... -- MANIFEST...
      Every object must validate: built-in kinds with kubernetes-validate (strict: unknown fields are errors, as
      kubectl's default server-side field validation), custom resources against the openAPIV3Schema of their CRD
      (also strict). An object whose kind neither knows fails: nothing passes unchecked.
  deploy-validate.py to-json < MANIFESTS
      Multi-document YAML to one JSON array (the jest tests read manifests this way, with no YAML package).
"""
import json
import sys
from collections import Counter

import jsonschema
import kubernetes_validate
import yaml
from kubernetes_validate import utils as kv_utils
from referencing import Registry, Resource

OBJECT_META = 'https://kubernetes.io/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'


def load_docs(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def strict_schema(node):
    """A CRD's structural schema as JSON Schema, with the API server's behaviour made explicit: `nullable`,
    int-or-string, and unknown fields rejected unless the schema preserves them."""
    if isinstance(node, list):
        return [strict_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ('properties', 'patternProperties', 'definitions'):
            out[key] = {name: strict_schema(sub) for name, sub in value.items()}
        elif key in ('items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf'):
            out[key] = strict_schema(value)
        elif key.startswith('x-kubernetes-') or key == 'nullable':
            continue
        else:
            out[key] = value
    for bound in ('Maximum', 'Minimum'):  # OpenAPI 3.0's boolean exclusive bounds are numbers in JSON Schema
        if out.get(f'exclusive{bound}') is True:
            out[f'exclusive{bound}'] = out.pop(bound.lower())
        elif out.get(f'exclusive{bound}') is False:
            del out[f'exclusive{bound}']
    if node.get('x-kubernetes-int-or-string'):
        out.pop('type', None)
        out.setdefault('anyOf', [{'type': 'integer'}, {'type': 'string'}])
    if node.get('nullable') and 'type' in out:
        out['type'] = [out['type'], 'null'] if isinstance(out['type'], str) else [*out['type'], 'null']
    if ('properties' in node and 'additionalProperties' not in node
            and not node.get('x-kubernetes-preserve-unknown-fields')):
        out['additionalProperties'] = False
    return out


def crd_schemas(paths):
    """(apiVersion, kind) -> JSON Schema for every served version of every CRD in the files."""
    schemas = {}
    for path in paths:
        for crd in load_docs(path):
            if crd.get('kind') != 'CustomResourceDefinition':
                continue
            spec = crd['spec']
            for version in spec['versions']:
                if not version.get('served', True):
                    continue
                schema = strict_schema(version['schema']['openAPIV3Schema'])
                # CRDs leave metadata open (`type: object`); the API server checks it as ObjectMeta, so do we.
                schema.setdefault('properties', {})['metadata'] = {'$ref': OBJECT_META}
                schemas[(f"{spec['group']}/{version['name']}", spec['names']['kind'])] = schema
    return schemas


def k8s_definitions(version):
    folder = f'kubernetes-json-schema/v{version}-local-strict/_definitions.json'
    return Resource.from_contents(kv_utils.schema_contents(folder, version))


def validate(k8s_version, crd_files, manifests):
    crds = crd_schemas(crd_files)
    registry = k8s_definitions(k8s_version) @ Registry()
    checked, failures = Counter(), []
    for path in manifests:
        for obj in load_docs(path):
            ref = f"{path}: {obj.get('kind')} {obj.get('metadata', {}).get('name')}"
            key = (obj.get('apiVersion'), obj.get('kind'))
            try:
                if key in crds:
                    jsonschema.Draft202012Validator(crds[key], registry=registry).validate(obj)
                    checked[f'{key[1]} ({key[0]}, CRD schema)'] += 1
                else:
                    kubernetes_validate.validate(obj, k8s_version, strict=True)
                    checked[f'{key[1]} ({key[0]}, Kubernetes {k8s_version})'] += 1
            except kv_utils.SchemaNotFoundError:
                failures.append(f'{ref}: no schema for {key[0]} {key[1]} (neither Kubernetes {k8s_version} nor a CRD)')
            except jsonschema.ValidationError as err:
                where = '/'.join(str(p) for p in err.absolute_path)
                failures.append(f'{ref}: at {where or "/"}: {err.message[:300]}')
    for kind, n in sorted(checked.items()):
        print(f'  valid: {n:3d} x {kind}')
    for failure in failures:
        print(f'  INVALID {failure}', file=sys.stderr)
    return 1 if failures else 0


def main(argv):
    if argv[:1] == ['to-json']:
        json.dump([d for d in yaml.safe_load_all(sys.stdin) if d], sys.stdout)
        return 0
    if argv[:1] == ['validate'] and '--' in argv:
        opts, manifests = argv[1:argv.index('--')], argv[argv.index('--') + 1:]
        k8s = opts[opts.index('--k8s') + 1]
        crd_files = [opts[i + 1] for i, o in enumerate(opts) if o == '--crd']
        return validate(k8s, crd_files, manifests)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {ObjectStore, type KubeObject} from '../../server/backends/sandbox/api/index';

function storeWithWidgets() {
  const store = new ObjectStore();
  const ns = store.types.lookup('', 'v1', 'namespaces')!;
  store.create(ns, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'app'}});
  const crd = store.types.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
  store.create(crd, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {name: 'widgets.example.com'},
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: {plural: 'widgets', kind: 'Widget'},
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                spec: {
                  type: 'object',
                  required: ['color'],
                  properties: {
                    color: {type: 'string', enum: ['red', 'blue']},
                    size: {type: 'integer'},
                    port: {'x-kubernetes-int-or-string': true},
                    mode: {type: 'string', default: 'auto'},
                    rules: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {path: {type: 'string', default: '/'}, weight: {type: 'integer'}},
                      },
                    },
                    extra: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true},
                    labels: {type: 'object', additionalProperties: {type: 'string'}},
                  },
                },
                status: {type: 'object', properties: {phase: {type: 'string'}}},
              },
            },
          },
        },
      ],
    },
  });
  const widgets = store.types.lookup('example.com', 'v1', 'widgets')!;
  const widget = (spec: unknown): KubeObject => ({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: {name: 'w', namespace: 'app'},
    spec,
  });
  return {store, widgets, widget};
}

describe('custom resources against their CRD schema', () => {
  it('applies defaults, also inside list items, and keeps preserved and map fields', () => {
    const {store, widgets, widget} = storeWithWidgets();
    const w = store.create(
      widgets,
      widget({color: 'red', port: 'http', rules: [{weight: 1}], extra: {any: {thing: 1}}, labels: {a: 'b'}}),
    );
    assert.deepEqual(w.spec, {
      color: 'red',
      port: 'http',
      rules: [{weight: 1, path: '/'}],
      extra: {any: {thing: 1}},
      labels: {a: 'b'},
      mode: 'auto',
    });
  });

  it('refuses unknown fields with Strict and prunes them otherwise', () => {
    const {store, widgets, widget} = storeWithWidgets();
    assert.throws(
      () =>
        store.create(widgets, widget({color: 'red', colour: 'red', rules: [{pth: '/x'}]}), {fieldValidation: 'Strict'}),
      (e: {code: number; message: string}) =>
        e.code === 400 &&
        e.message ===
          'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.colour", unknown field "spec.rules[0].pth"',
    );
    const pruned = store.create(widgets, widget({color: 'red', colour: 'red'}));
    assert.deepEqual(pruned.spec, {color: 'red', mode: 'auto'});
  });

  it('rejects wrong types, unsupported enum values and missing required fields as Invalid', () => {
    const {store, widgets, widget} = storeWithWidgets();
    assert.throws(
      () => store.create(widgets, widget({color: 'green', size: '3'})),
      (e: {code: number; message: string}) =>
        e.code === 422 &&
        e.message ===
          'Widget.example.com "w" is invalid: spec.color: Unsupported value: "green": supported values: "red", "blue", spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
    );
    assert.throws(() => store.create(widgets, widget({size: 1})), /spec\.color: Required value/);
    assert.throws(
      () =>
        store.create(widgets, {apiVersion: 'example.com/v1', kind: 'Widget', metadata: {name: 'x', namespace: 'app'}}),
      /spec: Required value/,
    );
  });
});

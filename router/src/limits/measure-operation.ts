import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** The shape of a document's largest operation, with every fragment spread expanded. */
export type OperationShape = {
  depth: number;
  aliases: number;
  rootFields: number;
  /** Every field the operation selects, counted once per place it would be resolved. */
  fields: number;
  directives: number;
};

type SetShape = {
  depth: number;
  aliases: number;
  /** Fields at this level, through fragments and inline fragments. */
  fields: number;
  total: number;
  directives: number;
};

const EMPTY: SetShape = { depth: 0, aliases: 0, fields: 0, total: 0, directives: 0 };

/**
 * Measures without recursion into the same fragment twice: each fragment's shape is computed
 * once and multiplied by how often it is spread, so a fragment "bomb" that would expand
 * exponentially is measured in linear time and still counts as large as it really is.
 * A fragment cycle counts as empty here; validation rejects it afterwards.
 *
 * Under `__schema` and `__type`, an `ofType` adds no depth: it follows the wrappers of one
 * type (non-null, list), a chain the schema bounds and that returns one object per level.
 * Every explorer's introspection query nests it seven levels deep to unwrap types such as
 * `[[Int!]!]!`; counted, it would put the standard query over any sensible depth limit.
 */
export function measureDocument(document: DocumentNode): OperationShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const measured = new Map<string, SetShape>();
  const inProgress = new Set<string>();

  function fragmentShape(name: string, introspection: boolean): SetShape {
    const key = `${introspection ? 'i' : 'o'}:${name}`;
    const known = measured.get(key);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(key)) return EMPTY;
    inProgress.add(key);
    const shape = setShape(fragment.selectionSet, introspection);
    inProgress.delete(key);
    measured.set(key, shape);
    return shape;
  }

  function setShape(set: SelectionSetNode, introspection: boolean): SetShape {
    let depth = 0;
    let aliases = 0;
    let fields = 0;
    let total = 0;
    let directives = 0;
    for (const selection of set.selections) {
      directives += selection.directives?.length ?? 0;
      let inner: SetShape;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const within = introspection || name === '__schema' || name === '__type';
        const sub = selection.selectionSet ? setShape(selection.selectionSet, within) : EMPTY;
        inner = {
          depth: sub.depth + (introspection && name === 'ofType' ? 0 : 1),
          aliases: sub.aliases + (selection.alias ? 1 : 0),
          fields: 1,
          total: sub.total + 1,
          directives: sub.directives,
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = setShape(selection.selectionSet, introspection);
      } else {
        inner = fragmentShape(selection.name.value, introspection);
      }
      depth = Math.max(depth, inner.depth);
      aliases += inner.aliases;
      fields += inner.fields;
      total += inner.total;
      directives += inner.directives;
    }
    return { depth, aliases, fields, total, directives };
  }

  const largest: OperationShape = { depth: 0, aliases: 0, rootFields: 0, fields: 0, directives: 0 };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const shape = setShape(definition.selectionSet, false);
    largest.depth = Math.max(largest.depth, shape.depth);
    largest.aliases = Math.max(largest.aliases, shape.aliases);
    largest.rootFields = Math.max(largest.rootFields, shape.fields);
    largest.fields = Math.max(largest.fields, shape.total);
    largest.directives = Math.max(
      largest.directives,
      shape.directives + (definition.directives?.length ?? 0),
    );
  }
  return largest;
}

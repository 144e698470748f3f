import {
  Kind,
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  isObjectType,
  isInterfaceType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { LIST_BOUNDS } from '@supergraph/common';

/** The page size of a connection whose `first` is not given, as every subgraph defaults it. */
const DEFAULT_PAGE_SIZE = 20;
/** What a mutation's root field costs on top of its selection. */
const MUTATION_COST = 10;

function intValue(
  node: ValueNode | undefined,
  variables: Readonly<Record<string, unknown>>,
  operation: OperationDefinitionNode,
): number | undefined {
  if (!node) return undefined;
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) {
    const name = node.name.value;
    const given = variables[name];
    if (typeof given === 'number') return given;
    const declared = operation.variableDefinitions?.find((v) => v.variable.name.value === name);
    return declared?.defaultValue
      ? intValue(declared.defaultValue, variables, operation)
      : undefined;
  }
  return undefined;
}

/**
 * Estimates what an operation costs to serve, in the manner of Apollo Router's static
 * demand control: every object costs 1, scalars and enums cost nothing, a mutation's root
 * field costs 10, and a list multiplies the cost of its items by its size. A list's size is
 * the `first` of the connection it belongs to (20 when not given), or the bound its subgraph
 * keeps it to (`LIST_BOUNDS`, e.g. `Order.tasks`), else `assumedListSize`.
 * Fragments are costed where they are spread; a fragment cycle costs nothing here, since
 * validation has already refused it.
 */
export function estimateCost(options: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Readonly<Record<string, unknown>>;
  assumedListSize: number;
}): number {
  const { schema, operation, variables, assumedListSize } = options;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of options.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const visiting = new Set<string>();
  // A fragment is costed once per parent type and page size, however often it is spread.
  const fragmentCosts = new Map<string, number>();

  function fieldCost(field: FieldNode, parent: GraphQLCompositeType, pageSize?: number): number {
    if (!isObjectType(parent) && !isInterfaceType(parent)) return 0;
    const definition = parent.getFields()[field.name.value];
    if (!definition) return 0;
    const type = getNamedType(definition.type);
    if (isLeafType(type) || !field.selectionSet) return 0;
    const first = intValue(
      field.arguments?.find((arg) => arg.name.value === 'first')?.value,
      variables,
      operation,
    );
    const takesFirst = definition.args.some((arg) => arg.name === 'first');
    const size = isListType(getNullableType(definition.type))
      ? Math.max(
          0,
          first ?? LIST_BOUNDS[`${parent.name}.${field.name.value}`] ?? pageSize ?? assumedListSize,
        )
      : 1;
    const childPageSize = takesFirst ? Math.max(0, first ?? DEFAULT_PAGE_SIZE) : undefined;
    return size * (1 + setCost(field.selectionSet, type as GraphQLCompositeType, childPageSize));
  }

  function setCost(set: SelectionSetNode, parent: GraphQLCompositeType, pageSize?: number): number {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        cost += fieldCost(selection, parent, pageSize);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType | undefined)
          : parent;
        cost += setCost(selection.selectionSet, condition ?? parent, pageSize);
      } else {
        const name = selection.name.value;
        const key = `${name}:${parent.name}:${pageSize ?? ''}`;
        const known = fragmentCosts.get(key);
        if (known !== undefined) {
          cost += known;
          continue;
        }
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        visiting.add(name);
        const condition = schema.getType(fragment.typeCondition.name.value) as
          GraphQLCompositeType | undefined;
        const fragmentCost = setCost(fragment.selectionSet, condition ?? parent, pageSize);
        visiting.delete(name);
        fragmentCosts.set(key, fragmentCost);
        cost += fragmentCost;
      }
    }
    return cost;
  }

  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  if (operation.operation !== 'mutation') return setCost(operation.selectionSet, root);
  let cost = 0;
  for (const selection of operation.selectionSet.selections) {
    const single = { kind: Kind.SELECTION_SET, selections: [selection] } as const;
    cost += MUTATION_COST * (selection.kind === Kind.FIELD ? 1 : 0) + setCost(single, root);
  }
  return cost;
}

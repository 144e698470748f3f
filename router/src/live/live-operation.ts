/**
 * A subscription as the router serves it. The gateway cannot execute subscriptions, so each one
 * becomes a query for the order it concerns, with the subscriber's own selection: every event
 * re-reads the order through the federated graph, as the subscriber, which is what makes
 * cross-subgraph fields work and keeps every rights check where it is for queries.
 */
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  getOperationAST,
  valueFromAST,
  print,
  validate,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type VariableDefinitionNode,
} from 'graphql';

/** Which orders a subscription follows. */
export type LiveTarget = { kind: 'order'; orderId: string } | { kind: 'mine' };

/** A subscription ready to serve: what it follows, and how to read an order for it. */
export type LiveOperation = {
  target: LiveTarget;
  /** The response key the subscriber selected the field under. */
  responseKey: string;
  /**
   * The query that reads one order with the subscriber's selection and, under
   * {@link VERSION_ALIAS}, its version; printed once, so that Apollo's document cache serves
   * every read after the first.
   */
  query: string;
  /** The subscriber's variables, to which the order id is added per event. */
  variables: Record<string, unknown>;
};

/** The variable the derived query takes the order id in; a subscriber cannot name it. */
export const ORDER_ID_VARIABLE = 'liveOrderId__';
/**
 * Where the derived query reads the order's version, which orders the reads of one
 * subscription; removed before the subscriber sees the result, and refused in a subscriber's
 * own selection.
 */
export const VERSION_ALIAS = 'liveVersion__';

const FIELDS = new Set(['orderUpdated', 'myOrderUpdates']);

function badRequest(message: string, code = 'BAD_USER_INPUT'): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** The order id a subscription to one order names, literal or variable. */
function orderIdArgument(
  field: FieldNode,
  schema: GraphQLSchema,
  variables: Record<string, unknown>,
): string {
  const argument = field.arguments?.find((arg) => arg.name.value === 'id');
  const type = schema.getSubscriptionType()?.getFields().orderUpdated?.args[0]?.type;
  const value = argument && type ? valueFromAST(argument.value, type, variables) : undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw badRequest('orderUpdated needs the id of an order.');
  }
  return value;
}

function usesVersionAlias(document: DocumentNode): boolean {
  let used = false;
  visit(document, {
    Field(node) {
      if ((node.alias?.value ?? node.name.value) === VERSION_ALIAS) used = true;
    },
  });
  return used;
}

/** The variables a piece of a document refers to. */
function variablesUsed(nodes: readonly ASTNode[]): Set<string> {
  const names = new Set<string>();
  for (const node of nodes) {
    visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  }
  return names;
}

/**
 * Checks a subscription against the graph and derives its query. Refusals are GraphQL errors
 * with a code: a document that does not validate, an operation that is not one of the live
 * fields, or one that asks for several at once.
 */
export function prepareLiveOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): LiveOperation {
  const errors = validate(schema, document);
  if (errors.length > 0) {
    throw new GraphQLError(errors[0]?.message ?? 'Invalid subscription.', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  }
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) throw badRequest('Name the operation to run.', 'BAD_REQUEST');
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
    throw badRequest(
      'Only subscriptions are served here; send queries and mutations over HTTP.',
      'BAD_REQUEST',
    );
  }
  const fields = operation.selectionSet.selections;
  const field = fields[0];
  if (fields.length !== 1 || field?.kind !== Kind.FIELD || !FIELDS.has(field.name.value)) {
    throw badRequest('A subscription selects exactly one of orderUpdated or myOrderUpdates.');
  }
  const given = variables ?? {};
  const target: LiveTarget =
    field.name.value === 'orderUpdated'
      ? { kind: 'order', orderId: orderIdArgument(field, schema, given) }
      : { kind: 'mine' };
  const responseKey = field.alias?.value ?? field.name.value;
  if (usesVersionAlias(document)) {
    throw badRequest(`The alias ${VERSION_ALIAS} is the router's own; choose another.`);
  }

  const orderIdDefinition: VariableDefinitionNode = {
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: ORDER_ID_VARIABLE } },
    type: {
      kind: Kind.NON_NULL_TYPE,
      type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } },
    },
  };
  const orderField: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: responseKey },
    name: { kind: Kind.NAME, value: 'order' },
    arguments: [
      {
        kind: Kind.ARGUMENT,
        name: { kind: Kind.NAME, value: 'id' },
        value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: ORDER_ID_VARIABLE } },
      },
    ],
    directives: field.directives ?? [],
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: [
        ...(field.selectionSet?.selections ?? []),
        {
          kind: Kind.FIELD,
          alias: { kind: Kind.NAME, value: VERSION_ALIAS },
          name: { kind: Kind.NAME, value: 'version' },
        },
      ],
    },
  };
  const fragments = document.definitions.filter(
    (definition) => definition.kind === Kind.FRAGMENT_DEFINITION,
  );
  // Only the subscriber's variables the selection uses: the order id travels in its own, and
  // a declared but unused variable would not validate.
  const used = variablesUsed([
    field.selectionSet ?? field,
    ...(field.directives ?? []),
    ...fragments,
  ]);
  const query: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        name: { kind: Kind.NAME, value: operation.name?.value ?? 'LiveOrder' },
        variableDefinitions: [
          ...(operation.variableDefinitions ?? []).filter((definition) =>
            used.has(definition.variable.name.value),
          ),
          orderIdDefinition,
        ],
        directives: [],
        selectionSet: { kind: Kind.SELECTION_SET, selections: [orderField] },
      },
      ...fragments,
    ],
  };
  return { target, responseKey, query: print(query), variables: given };
}

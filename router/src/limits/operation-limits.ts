/** The limits every operation must stay within at the router; each is set from env. */
export type OperationLimits = {
  /** Nesting of fields, counting the root field as 1. */
  maxDepth: number;
  /** Aliased fields, with fragments expanded where they are spread. */
  maxAliases: number;
  /** Fields selected at the root of one operation. */
  maxRootFields: number;
  /**
   * Fields in all, with fragments expanded: a small document whose fragments spread one
   * another twice over would otherwise select millions of fields.
   */
  maxFields: number;
  /** Directive applications, with fragments expanded. */
  maxDirectives: number;
  /** Lexical tokens in the whole document, counted before it is parsed. */
  maxTokens: number;
  /** Estimated cost; see estimate-cost.ts. */
  maxCost: number;
  /** Items assumed for a list that has no `first` argument. */
  assumedListSize: number;
};

export const DEFAULT_LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxRootFields: 20,
  maxFields: 1000,
  maxDirectives: 50,
  maxTokens: 2000,
  maxCost: 10_000,
  assumedListSize: 10,
};

/** The error codes of the limits, as Apollo Router names them where it has one. */
export const LimitCode = {
  depth: 'MAX_DEPTH_LIMIT',
  aliases: 'MAX_ALIASES_LIMIT',
  rootFields: 'MAX_ROOT_FIELDS_LIMIT',
  fields: 'MAX_FIELDS_LIMIT',
  directives: 'MAX_DIRECTIVES_LIMIT',
  tokens: 'MAX_TOKENS_LIMIT',
  cost: 'COST_ESTIMATED_TOO_EXPENSIVE',
} as const;

// What the native reader takes on before it hands a file to the engine (whose worker has a
// deadline): a file past these is not a Keras model, and each costs memory to list.

/** Links in one group, records in one v2 B-tree. */
export const MAX_LINKS = 1_000_000;

/** Link paths in one recursive listing. */
export const MAX_PATHS = 2_000_000;

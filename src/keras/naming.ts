// Keras's own naming: how Keras turns a class name into a store path element, and how it numbers
// repeats. One module, used by the rules (sublayer store paths) and the check (container paths).
// It imports nothing: every layer of the house may use it.

/**
 * Keras 3 `to_snake_case` (keras/src/utils/naming.py): drop non-word characters, then split
 * CamelCase: Conv2D → conv2d, PReLU → p_re_lu, MultiHeadAttention → multi_head_attention.
 */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * tf.keras 2.x `to_snake_case` (keras 2.13 keras/utils/generic_utils.py): the same CamelCase split,
 * without dropping non-word characters, and a private class (`_Foo`) gets the prefix `private`.
 */
export function toSnakeCaseKeras2(name: string): string {
  const s = name
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
  return s.startsWith('_') ? `private${s}` : s;
}

/**
 * The `_N` counter of one container (keras/src/saving/saving_lib.py `_get_unique_name`; Keras 2.13
 * `_save_container_state` inlines the same): the first `name` stays `name`, the next ones are
 * `name_1`, `name_2`… One counter per name, one namer per container.
 */
export function uniqueNamer(): (name: string) => string {
  const used = new Map<string, number>();
  return (name) => {
    const n = used.get(name);
    used.set(name, n === undefined ? 0 : n + 1);
    return n === undefined ? name : `${name}_${n + 1}`;
  };
}

/**
 * Names for the elements of one saved container, by class (keras/src/saving/saving_lib.py
 * `_save_container_state`: `_get_unique_name(to_snake_case(obj.__class__.__name__))`). Keras 3
 * names by default; tf.keras 2.13–2.15 pass `toSnakeCaseKeras2`.
 */
export function containerNamer(snake: (className: string) => string = toSnakeCase): (className: string) => string {
  const unique = uniqueNamer();
  return (className) => unique(snake(className));
}

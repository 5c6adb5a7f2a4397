// Keras's model classes, as configs name them: Keras 1/2 `Sequential` and `Model`, tf.keras 2.4+ and
// Keras 3 `Functional` (keras/src/models/functional.py; tf_keras engine/functional.py). Their configs
// hold the layer graph. Imports nothing: readers and the graph both use it.
export const MODEL_CLASSES: ReadonlySet<string> = new Set(['Sequential', 'Model', 'Functional']);

// `stream` for yauzl in the page's bundle: yauzl subclasses these at load; kerascope never asks it
// for a stream (zip members are read by src/formats/keras-zip/member.ts), so building one is a bug.
class NoStream {
  constructor() {
    throw new Error('streams are not available in the page (kerascope reads zip members itself)');
  }
}
export class Readable extends NoStream {}
export class Writable extends NoStream {}
export class Transform extends NoStream {}
export class PassThrough extends NoStream {}

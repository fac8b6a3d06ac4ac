/**
 * Container image references, as the distribution/reference grammar defines them
 * (github.com/distribution/reference regexp.go: `[domain/]path[:tag][@digest]`), so a typo or a
 * control character in `--httpbin-image` is refused before it reaches a terminal or a manifest.
 */

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);
/** reference.go NameTotalLengthMax: the name (without tag and digest) is at most 255 characters. */
const NAME_MAX = 255;

export function isImageReference(text: string): boolean {
  if (!REFERENCE.test(text)) return false;
  const name = text.split('@')[0].replace(/:[\w][\w.-]*$/, '');
  return name.length <= NAME_MAX;
}

import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

function selectsIn(selectionSet: SelectionSetNode | undefined, path: readonly string[], info: GraphQLResolveInfo): boolean {
  if (!selectionSet) return false;
  const [name, ...rest] = path;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === name && (rest.length === 0 || selectsIn(selection.selectionSet, rest, info))) return true;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (selectsIn(selection.selectionSet, path, info)) return true;
    } else if (selectsIn(info.fragments[selection.name.value]?.selectionSet, path, info)) {
      return true;
    }
  }
  return false;
}

/**
 * True when the query selects `path` below the field being resolved, through any
 * fragments: `selectsPath(info, ['edges', 'node', 'customer'])`. Directives such as
 * @skip are not evaluated, so the answer may be a harmless yes.
 */
export function selectsPath(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  return info.fieldNodes.some((node) => selectsIn(node.selectionSet, path, info));
}

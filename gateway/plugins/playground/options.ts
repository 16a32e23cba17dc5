/** Options of the playground plugin; `createPlugins` fills them from config. */
export interface PlaygroundOptions {
  /** The GraphQL endpoint GraphiQL sends operations to, and where the page is served (besides `/`). */
  graphqlPath: string;
  /** Browser tab title; default `DEFAULT_PLAYGROUND_TITLE` from config. */
  title: string;
}

/** Operation shown in a fresh browser (no saved tabs): spans all four example subgraphs. */
export const DEFAULT_PLAYGROUND_QUERY = `# Ctrl-Enter runs the operation; the book icon opens the docs.
# Headers (below): paste { "authorization": "Bearer <jwt>" }.
{
  topProducts(first: 3) {
    upc
    name
    price
    inStock
    reviews {
      rating
      author {
        username
      }
    }
  }
}
`;

/** Executed operations GraphiQL keeps in its history pane (GraphiQL's own default is 20). */
export const DEFAULT_PLAYGROUND_HISTORY_LENGTH = 50;

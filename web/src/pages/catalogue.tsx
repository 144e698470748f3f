import { useState, type CSSProperties } from 'react';
import { useQuery } from 'urql';
import { Cart } from '../components/cart';
import { Empty, Loading, Unavailable } from '../components/status';
import { useCart } from '../cart';
import { money } from '../format';
import { graphql } from '../generated/gql';

const PAGE_SIZE = 12;

const Catalogue = graphql(/* GraphQL */ `
  query Catalogue($first: Int!, $after: String) {
    products(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          sku
          name
          priceCents
          currency
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** A stable colour per product, for its tile: the shop has no product photos. */
function hue(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

const initials = (name: string) =>
  name
    .split(/\s+/)
    .slice(0, 2)
    .map((word) => word[0])
    .join('')
    .toUpperCase();

export function CataloguePage() {
  // The cursors of the pages before this one: Previous page pops, Next page pushes.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const [{ data, fetching, error }] = useQuery({
    query: Catalogue,
    variables: { first: PAGE_SIZE, after },
  });
  const cart = useCart();
  const products = data?.products;
  const page = cursors.length;

  return (
    <div className="shop">
      <section className="page" aria-labelledby="catalogue-title">
        <div className="page-head">
          <h1 id="catalogue-title">Catalogue</h1>
          <span className="muted">Page {page}</span>
        </div>
        {!products && fetching && <Loading what="the catalogue" />}
        {!products && error && (
          <Unavailable>The catalogue is unavailable right now. Try again shortly.</Unavailable>
        )}
        {products && products.edges.length === 0 && (
          <Empty>{page === 1 ? 'The catalogue is empty.' : 'No more products.'}</Empty>
        )}
        {products && products.edges.length > 0 && (
          <ul className="products" aria-busy={fetching}>
            {products.edges.map(({ node }) => {
              const inCart = cart.lines.find((line) => line.productId === node.id)?.quantity ?? 0;
              return (
                <li key={node.id}>
                  <article className="product card" aria-labelledby={`product-${node.id}`}>
                    <div
                      className="product-tile"
                      style={{ '--hue': hue(node.sku) } as CSSProperties}
                      aria-hidden="true"
                    >
                      {initials(node.name)}
                    </div>
                    <h2 id={`product-${node.id}`} className="product-name">
                      {node.name}
                    </h2>
                    <p className="product-price">{money(node.priceCents, node.currency)}</p>
                    <div className="product-actions">
                      <button
                        type="button"
                        className="button-primary"
                        onClick={() =>
                          cart.add({
                            productId: node.id,
                            name: node.name,
                            priceCents: node.priceCents,
                            currency: node.currency,
                          })
                        }
                      >
                        Add to cart
                      </button>
                      {inCart > 0 && <span className="in-cart">{inCart} in cart</span>}
                    </div>
                  </article>
                </li>
              );
            })}
          </ul>
        )}
        <nav className="pager" aria-label="Catalogue pages">
          <button
            type="button"
            disabled={page === 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous page
          </button>
          <button
            type="button"
            disabled={!products?.pageInfo.hasNextPage || !products.pageInfo.endCursor}
            onClick={() => {
              const next = products?.pageInfo.endCursor;
              if (next) setCursors((c) => [...c, next]);
            }}
          >
            Next page
          </button>
        </nav>
      </section>
      <Cart />
    </div>
  );
}

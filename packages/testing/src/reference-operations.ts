/**
 * The product's reference pages, as clients send them: what the benchmark drives, what the
 * N+1 test counts statements for, and what the Hive Gateway check compares.
 */

/** Staff list page: a page of orders with customers, items with products, tasks with assignees. */
export const STAFF_LIST_PAGE = /* GraphQL */ `
  query StaffListPage($first: Int = 50) {
    orders(first: $first) {
      edges {
        node {
          id
          status
          customer {
            name
          }
          items {
            quantity
            product {
              name
            }
          }
          tasks {
            title
            assignee {
              name
            }
          }
        }
      }
    }
  }
`;

/** Customer dashboard: my orders with their products, and my tasks with their orders' status. */
export const CUSTOMER_DASHBOARD = /* GraphQL */ `
  query CustomerDashboard($first: Int = 20) {
    me {
      orders(first: $first) {
        edges {
          node {
            items {
              product {
                name
              }
            }
          }
        }
      }
      tasks(first: $first) {
        edges {
          node {
            order {
              status
            }
          }
        }
      }
    }
  }
`;

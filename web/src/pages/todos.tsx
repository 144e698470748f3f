import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorText, Loading, StatusBadge, Unavailable } from '../components/status';
import { failedAt, messageFor } from '../errors';
import { fromLocalInput, when } from '../format';
import { graphql } from '../generated/gql';
import type { TodoFieldsFragment } from '../generated/gql/graphql';
import { orderNumber } from '../ids';

graphql(/* GraphQL */ `
  fragment TodoFields on Task {
    id
    title
    notes
    status
    dueAt
    completedAt
    order {
      id
    }
  }
`);

const MyTasks = graphql(/* GraphQL */ `
  query MyTasks {
    me {
      id
      tasks(first: 100) {
        edges {
          node {
            ...TodoFields
          }
        }
      }
    }
  }
`);

const CreateTask = graphql(/* GraphQL */ `
  mutation CreateTask($input: CreateTaskInput!) {
    createTask(input: $input) {
      ...TodoFields
    }
  }
`);

const CompleteTask = graphql(/* GraphQL */ `
  mutation CompleteTask($id: ID!) {
    completeTask(id: $id) {
      ...TodoFields
    }
  }
`);

const DeleteTask = graphql(/* GraphQL */ `
  mutation DeleteTask($id: ID!) {
    deleteTask(id: $id)
  }
`);

// deleteTask answers a Boolean, which tells the document cache nothing: say what it changes.
const TASKS_CONTEXT = { additionalTypenames: ['Task'] };

function byDue(a: TodoFieldsFragment, b: TodoFieldsFragment) {
  if (a.dueAt && b.dueAt) return a.dueAt.localeCompare(b.dueAt);
  return a.dueAt ? -1 : b.dueAt ? 1 : 0;
}

function NewTodo() {
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, create] = useMutation(CreateTask);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const result = await create(
      { input: { title: title.trim(), dueAt: fromLocalInput(due) } },
      TASKS_CONTEXT,
    );
    if (result.error) {
      setError(messageFor(result.error, 'The to-do could not be added.'));
      return;
    }
    setTitle('');
    setDue('');
  }

  return (
    <form className="card form form-inline" onSubmit={submit} aria-labelledby="new-todo-title">
      <h2 id="new-todo-title" className="sr-only">
        New to-do
      </h2>
      <label className="grow">
        Title
        <input
          name="title"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <label>
        Due date (optional)
        <input
          type="datetime-local"
          name="dueAt"
          value={due}
          onChange={(e) => setDue(e.target.value)}
        />
      </label>
      <button type="submit" className="button-primary" disabled={fetching || !title.trim()}>
        Add to-do
      </button>
      {error && <ErrorText>{error}</ErrorText>}
    </form>
  );
}

function Todo({ task }: { task: TodoFieldsFragment }) {
  const [completeState, complete] = useMutation(CompleteTask);
  const [deleteState, remove] = useMutation(DeleteTask);
  const [error, setError] = useState<string | null>(null);
  const overdue =
    task.status === 'OPEN' && task.dueAt != null && task.dueAt < new Date().toISOString();
  const busy = completeState.fetching || deleteState.fetching;

  async function run(action: () => Promise<{ error?: Parameters<typeof messageFor>[0] }>) {
    setError(null);
    const result = await action();
    if (result.error) setError(messageFor(result.error));
  }

  return (
    <li
      className={`todo card todo-${task.status.toLowerCase()}`}
      aria-labelledby={`todo-${task.id}`}
    >
      <div className="todo-main">
        <span id={`todo-${task.id}`} className="todo-title">
          {task.title}
        </span>
        <span className="muted todo-meta">
          {task.dueAt && (
            <span className={overdue ? 'overdue' : undefined}>
              {overdue ? 'Overdue: ' : 'Due '}
              {when(task.dueAt)}
            </span>
          )}
          {task.completedAt && <span>Done {when(task.completedAt)}</span>}
          {task.order && (
            <Link to={`/orders/${task.order.id}`}>Order {orderNumber(task.order.id)}</Link>
          )}
        </span>
        {task.notes && <span className="todo-notes">{task.notes}</span>}
        {error && <ErrorText>{error}</ErrorText>}
      </div>
      <StatusBadge status={task.status} />
      <div className="todo-actions">
        {task.status === 'OPEN' && (
          <button
            type="button"
            disabled={busy}
            aria-describedby={`todo-${task.id}`}
            onClick={() => run(() => complete({ id: task.id }, TASKS_CONTEXT))}
          >
            Complete
          </button>
        )}
        <button
          type="button"
          className="button-danger"
          disabled={busy}
          aria-describedby={`todo-${task.id}`}
          onClick={() => run(() => remove({ id: task.id }, TASKS_CONTEXT))}
        >
          Delete
        </button>
      </div>
    </li>
  );
}

export function TodosPage() {
  const [{ data, fetching, error }] = useQuery({ query: MyTasks, context: TASKS_CONTEXT });
  const tasks = data?.me?.tasks?.edges.map((e) => e.node);
  const open = tasks?.filter((t) => t.status === 'OPEN').sort(byDue) ?? [];
  const closed = tasks?.filter((t) => t.status !== 'OPEN') ?? [];

  return (
    <section className="page" aria-labelledby="todos-title">
      <h1 id="todos-title">My to-dos</h1>
      <NewTodo />
      {!tasks ? (
        fetching ? (
          <Loading what="your to-dos" />
        ) : failedAt(error, ['me', 'tasks']) ? (
          <Unavailable>To-dos are unavailable right now.</Unavailable>
        ) : (
          <ErrorText>{messageFor(error, 'Your to-dos could not be loaded.')}</ErrorText>
        )
      ) : (
        <div className="todo-columns">
          <section aria-labelledby="open-todos">
            <h2 id="open-todos">To do ({open.length})</h2>
            {open.length === 0 ? (
              <Empty>Nothing to do. Add a to-do above.</Empty>
            ) : (
              <ul className="todos">
                {open.map((task) => (
                  <Todo key={task.id} task={task} />
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="done-todos">
            <h2 id="done-todos">Done ({closed.length})</h2>
            {closed.length === 0 ? (
              <Empty>No finished to-dos yet.</Empty>
            ) : (
              <ul className="todos">
                {closed.map((task) => (
                  <Todo key={task.id} task={task} />
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </section>
  );
}

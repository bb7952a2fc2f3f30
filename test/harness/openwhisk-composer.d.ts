// The parts of openwhisk-composer (0.12.0, plain CommonJS without types) the tests use: the
// combinators build a Composition, compile() turns it into what its client deploys as a conductor
// action, and the client is the `openwhisk` client plus `compositions.deploy`.
declare module 'openwhisk-composer' {
  export interface Composition {
    compile(): { composition: unknown; ast: unknown; version: string; actions?: unknown[] };
  }
  type Task = string | Composition | ((params: Record<string, unknown>) => unknown);
  interface Composer {
    sequence(...tasks: Task[]): Composition;
    if(test: Task, consequent: Task, alternate?: Task): Composition;
    while(test: Task, body: Task): Composition;
    try(body: Task, handler: Task): Composition;
    retry(count: number, ...tasks: Task[]): Composition;
    repeat(count: number, ...tasks: Task[]): Composition;
    let(declarations: Record<string, unknown>, ...tasks: Task[]): Composition;
    mask(...tasks: Task[]): Composition;
    action(name: string, options?: { action: string | ((params: Record<string, unknown>) => unknown) }): Composition;
  }
  const composer: Composer;
  export default composer;
}

declare module 'openwhisk-composer/client.js' {
  import type openwhisk from 'openwhisk';
  type Client = ReturnType<typeof openwhisk> & {
    compositions: { deploy(composition: { name: string } & Record<string, unknown>, overwrite?: boolean): Promise<Array<{ name: string }>> };
  };
  export default function client(options: { apihost: string; api_key: string }, basic?: boolean, bearer?: boolean): Client;
}

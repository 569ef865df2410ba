/** The demo host app's two users, in different groups so that each sees a different catalog. */
export interface DemoUser {
  id: string;
  name: string;
  email: string;
  group: 'sales' | 'engineering';
  title: string;
}

export const demoUsers: DemoUser[] = [
  { id: 'ada', name: 'Ada Lovelace', email: 'ada@acme.example', group: 'sales', title: 'Account executive' },
  { id: 'grace', name: 'Grace Hopper', email: 'grace@acme.example', group: 'engineering', title: 'Staff engineer' },
];

export const findDemoUser = (id: string | undefined) => demoUsers.find((u) => u.id === id);

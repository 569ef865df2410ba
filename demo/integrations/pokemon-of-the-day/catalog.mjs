// What the "external systems" (a Pokédex and a Slack workspace) answer in the demo.
export const pokemon = [
  { name: 'Bulbasaur', type: 'grass' }, { name: 'Oddish', type: 'grass' },
  { name: 'Charmander', type: 'fire' }, { name: 'Vulpix', type: 'fire' },
  { name: 'Squirtle', type: 'water' }, { name: 'Psyduck', type: 'water' },
  { name: 'Pikachu', type: 'electric' }, { name: 'Magnemite', type: 'electric' },
];
export const slackUsers = [
  { id: 'U01ADA', name: 'Ada Lovelace' },
  { id: 'U02GRACE', name: 'Grace Hopper' },
  { id: 'U03ALAN', name: 'Alan Turing' },
];

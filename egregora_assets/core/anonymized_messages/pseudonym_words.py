"""The word lists pseudonyms are made of: short, common, pronounceable English words."""

# 256 x 256 readable word pairs; no word is a common first name, so a pseudonym never
# looks like (or is audited as) a real name.
ADJECTIVES = """
able agile airy alert alive ample apt arctic awake balmy bare basic bold brave brief bright
brisk broad bronze busy calm candid civic clean clear clever cobalt cold cool cosmic cozy crisp
curly cyan dainty damp dapper deep dense dewy distant dry dusky dotted eager early easy elder
epic exact fair fast fine firm flat fleet fluffy free fresh frosty full fuzzy gentle giant glad
glossy golden good grand green grey handy happy hardy hazy hearty high humble icy ideal jolly
keen kind large leafy light limber little lively lofty long loud loyal lucid lucky lunar lush
magic mellow merry mild mighty modern modest mossy muddy narrow neat new nimble noble north novel
oaken olden open pale plain plucky polar polite prime proud pure quick quiet rapid rare ready
regal rich ripe robust rocky rosy round royal rural rustic safe salty sunken sharp shiny short
silent silky silver simple sleek slim slow small smart smooth snowy soft solar solid sonic south
spicy spry square stable steady steep still stony stout strong sturdy subtle sugary sweet swift
tall tawny tender thick tidy tiny tough true upper urban vast velvet vivid warm wavy west white
whole wide wild windy wise witty woody young zesty zippy azure brown black blue ochre pink
purple red teal indigo navy tan iron breezy sunlit starry cloudy rainy stormy frozen crimson
scarlet amiable ancient antique arid autumn beige bouncy bubbly chilly cheery crafty creamy
daring dreamy eastern elegant faint fabled famous feisty fiery floral fluent frugal gleaming
grassy hasty hushed jazzy jumbo jovial
""".split()
NOUNS = """
acorn alder anchor antler apple arch arrow badger bagel banjo barn basil beach beacon beam bear
beaver bee beetle bell berry birch bison bloom boat boulder branch bread breeze brick bridge
buffalo bugle cabin cactus camel candle canoe canyon cape carrot castle cedar chalk cherry chime
cider cinder clam cliff cloud clover coast cobble comet compass condor cotton cove coyote crab
crane crater creek cricket crown delta desert dingo dolphin dove dragon drum dune eagle echo elk
elm ember falcon feather ferry fig finch fjord flame flint flute forest fossil fox frog gale
garden gecko geyser glacier glade goat goose gorge grape gull harbor hare hawk hedge heron hill
hive horizon horse ibis igloo inlet island jackal jaguar kayak kelp kettle kiwi koala lagoon
lake lantern lark leaf lemur lion lizard llama lobster lotus lynx mango maple marble marsh
meadow melon mesa meteor mink moon moose moss moth mountain mule newt nest nutmeg oak oasis
ocean octopus orbit orca orchid osprey otter owl oyster panda panther parrot peach peak pear
pebble pelican petal pine planet pond pony poppy prairie puffin quail quartz rabbit raft radish
reef ridge rocket saddle salmon seal shell shore shrub sloth snail sparrow spruce squid stork
storm stream summit swan thistle thorn thrush tide tiger toad torch tortoise toucan trail tulip
tundra turtle valley vine violin volcano walnut walrus wave whale wheat wolf wombat yak zebra
anvil atlas bamboo bluff bramble buoy butte cairn caravan cascade cavern chestnut cobra cocoa
cradle crest cumin fable fennel field fiddle flax fountain galaxy garnet gopher
""".split()

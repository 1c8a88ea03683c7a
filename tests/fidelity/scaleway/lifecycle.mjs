// Drives the Scaleway emulator with Scaleway's official JavaScript SDK and prints what it saw as
// JSON. Environment: SCW_API_URL (the emulator), SCW_SECRET_KEY, SCW_PROJECT_ID.
// Any SDK error that is not expected ends the script with exit code 1.
import { createClient } from '@scaleway/sdk-client'
import { Instancev1 } from '@scaleway/sdk-instance'
import { Vpcv2 } from '@scaleway/sdk-vpc'
import { Blockv1alpha1 } from '@scaleway/sdk-block'
import { Ipamv1 } from '@scaleway/sdk-ipam'

const apiURL = process.env.SCW_API_URL
const projectId = process.env.SCW_PROJECT_ID
const client = createClient({
  accessKey: 'SCWNVOI0000000000000',
  secretKey: process.env.SCW_SECRET_KEY,
  apiURL,
  defaultProjectId: projectId,
  defaultRegion: 'fr-par',
  defaultZone: 'fr-par-1',
})
const instance = new Instancev1.API(client)
const vpc = new Vpcv2.API(client)
const block = new Blockv1alpha1.API(client)
const ipam = new Ipamv1.API(client)

const out = {}
const errorOf = async (promise) => {
  try {
    await promise
    return null
  } catch (e) {
    return { name: e.name, status: e.status, message: e.message }
  }
}

// Private network with the 10.0.1.0/24 subnet
const network = await vpc.createPrivateNetwork({ name: 'fid-net', subnets: ['10.0.1.0/24'] })
out.network = { id: network.id, region: network.region, subnet: network.subnets[0]?.subnet, vpcId: network.vpcId }
out.networksByName = (await vpc.listPrivateNetworks({ name: 'fid-net', projectId })).privateNetworks.map((n) => n.id)

// Security group: inbound drop, outbound accept, SSH rule
const group = (await instance.createSecurityGroup({
  name: 'fid-fw', stateful: true, inboundDefaultPolicy: 'drop', outboundDefaultPolicy: 'accept',
})).securityGroup
const rule = (await instance.createSecurityGroupRule({
  securityGroupId: group.id, protocol: 'TCP', direction: 'inbound', action: 'accept',
  ipRange: '0.0.0.0/0', destPortFrom: 22, destPortTo: 22, editable: true,
})).rule
const rules = await instance.listSecurityGroupRules({ securityGroupId: group.id }).all()
out.securityGroup = {
  inbound: group.inboundDefaultPolicy, outbound: group.outboundDefaultPolicy, stateful: group.stateful,
  ruleProtocol: rule.protocol, rulePort: rule.destPortFrom, inboundRules: rules.filter((r) => r.direction === 'inbound').length,
}

// Server: create, cloud-init, private NIC, power on, wait
const created = (await instance.createServer({
  name: 'fid-srv', commercialType: 'DEV1-S', image: 'ubuntu_noble', securityGroup: group.id, tags: ['app=fid'],
})).server
await instance.setServerUserData({ serverId: created.id, key: 'cloud-init', content: '#cloud-config\n' })
const userData = await instance.getServerUserData({ serverId: created.id, key: 'cloud-init' })
const nic = (await instance.createPrivateNIC({ serverId: created.id, privateNetworkId: network.id })).privateNic
// (the SDK's waiters sleep at least a second first: read the state directly, the emulator boots at once)
const nicReady = (await instance.getPrivateNIC({ serverId: created.id, privateNicId: nic.id })).privateNic
await instance.serverAction({ serverId: created.id, action: 'poweron' })
const running = (await instance.getServer({ serverId: created.id })).server
const ips = (await ipam.listIPs({ resourceId: nic.id, resourceType: 'instance_private_nic' })).ips
out.server = {
  createdState: created.state, state: running.state, arch: running.arch, publicIp: running.publicIp?.address,
  securityGroup: running.securityGroup?.id === group.id, nics: running.privateNics.length,
  nicState: nicReady.state, userData: typeof userData === 'string' ? userData : await userData.text?.(),
  privateIp: ips[0]?.address, tags: running.tags, creationDate: running.creationDate instanceof Date,
}

// Block volume: create in bytes, attach, detach, delete
const volume = await block.createVolume({ name: 'fid-vol', perfIops: 5000, fromEmpty: { size: 10_000_000_000 } })
const attached = (await instance.attachServerVolume({ serverId: created.id, volumeId: volume.id, volumeType: 'sbs_volume' })).server
const inUse = await block.getVolume({ volumeId: volume.id })
const detached = (await instance.detachServerVolume({ serverId: created.id, volumeId: volume.id })).server
const free = await block.getVolume({ volumeId: volume.id })
await block.deleteVolume({ volumeId: volume.id })
out.volume = {
  size: volume.size, status: volume.status, attachedKeys: Object.keys(attached.volumes),
  inUse: inUse.status, reference: inUse.references[0]?.productResourceId === created.id,
  detachedKeys: Object.keys(detached.volumes), freeStatus: free.status,
  deleted: (await errorOf(block.getVolume({ volumeId: volume.id })))?.name,
}

// Catalogue and pagination
const types = await instance.listServersTypes({ perPage: 5 })
out.catalogue = { totalCount: types.totalCount, onePage: Object.keys(types.servers).length, dev1s: types.servers['DEV1-S']?.ncpus }
for (let i = 0; i < 4; i += 1) await instance.createSecurityGroup({ name: `fid-extra-${i}` })
out.paging = { groups: (await instance.listSecurityGroups({ perPage: 2 }).all()).length }

// Errors as the SDK reads them
const ghost = '3f0b1a5e-1111-4222-8333-944455556666'
out.errors = {
  server404: await errorOf(instance.getServer({ serverId: ghost })),
  network404: await errorOf(vpc.getPrivateNetwork({ privateNetworkId: ghost })),
  badVolume: await errorOf(block.createVolume({ name: 'tiny', fromEmpty: { size: 1000 } })),
  badType: await errorOf(instance.createServer({ name: 'bad', commercialType: 'NOPE-1', image: 'ubuntu_noble' })),
  anonymous: await errorOf(new Instancev1.API(createClient({ apiURL, defaultZone: 'fr-par-1' })).listServers()),
}

// Teardown: terminate, then the group and the network can go
await instance.serverAction({ serverId: created.id, action: 'terminate' })
out.teardown = {
  server: (await errorOf(instance.getServer({ serverId: created.id })))?.name,
  group: await errorOf(instance.deleteSecurityGroup({ securityGroupId: group.id })),
  network: await errorOf(vpc.deletePrivateNetwork({ privateNetworkId: network.id })),
  networksLeft: (await vpc.listPrivateNetworks({ projectId })).totalCount,
}

console.log(JSON.stringify(out))

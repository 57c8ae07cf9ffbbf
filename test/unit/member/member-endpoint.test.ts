import { expect } from 'chai';
import { ClusterConnectionError } from '../../../src/kube/member-connection-error.ts';
import { chooseServerEndpoint, toServerUrl } from '../../../src/kube/member-endpoint.ts';

describe('member endpoint', () => {
  describe('chooseServerEndpoint', () => {
    const endpoints = [
      { clientCIDR: '0.0.0.0/0', serverAddress: 'public.example.com' },
      { clientCIDR: '10.0.0.0/8', serverAddress: '10.1.2.3:6443' },
      { clientCIDR: '10.128.0.0/9', serverAddress: '10.128.0.2' },
      { clientCIDR: 'fd00::/8', serverAddress: '[fd00::1]:6443' },
    ];

    it('picks the entry whose clientCIDR holds the controller address, the most specific first', () => {
      expect(chooseServerEndpoint(endpoints, '10.200.0.5')?.serverAddress).to.equal('10.128.0.2');
      expect(chooseServerEndpoint(endpoints, '10.5.0.5')?.serverAddress).to.equal('10.1.2.3:6443');
      expect(chooseServerEndpoint(endpoints, '192.168.1.1')?.serverAddress).to.equal('public.example.com');
    });

    it('matches IPv6 and IPv4-mapped addresses in their own family', () => {
      expect(chooseServerEndpoint(endpoints, 'fd00::abcd')?.serverAddress).to.equal('[fd00::1]:6443');
      expect(chooseServerEndpoint(endpoints, '::ffff:10.200.0.5')?.serverAddress).to.equal('10.128.0.2');
    });

    it('falls back to the first entry when none matches or the address is unknown', () => {
      const narrow = [
        { clientCIDR: '10.0.0.0/8', serverAddress: 'a' },
        { clientCIDR: '172.16.0.0/12', serverAddress: 'b' },
      ];
      expect(chooseServerEndpoint(narrow, '192.168.0.1')?.serverAddress).to.equal('a');
      expect(chooseServerEndpoint(narrow)?.serverAddress).to.equal('a');
      expect(chooseServerEndpoint(narrow, 'not-an-ip')?.serverAddress).to.equal('a');
    });

    it('never matches an unparsable clientCIDR (the archived examples wrote 0.0.0.0) but may still fall back to it', () => {
      const archived = [
        { clientCIDR: '0.0.0.0', serverAddress: 'first' },
        { clientCIDR: '10.0.0.0/33', serverAddress: 'bad-prefix' },
        { clientCIDR: '192.168.0.0/16', serverAddress: 'lan' },
      ];
      expect(chooseServerEndpoint(archived, '0.0.0.0')?.serverAddress).to.equal('first');
      expect(chooseServerEndpoint(archived, '192.168.4.4')?.serverAddress).to.equal('lan');
    });

    it('skips entries without a serverAddress and gives undefined when none has one', () => {
      expect(
        chooseServerEndpoint([{ clientCIDR: '10.0.0.0/8' }, { serverAddress: 'x' }], '10.0.0.1')
          ?.serverAddress,
      ).to.equal('x');
      expect(chooseServerEndpoint([{ clientCIDR: '10.0.0.0/8', serverAddress: ' ' }], '10.0.0.1')).to.equal(
        undefined,
      );
      expect(chooseServerEndpoint([])).to.equal(undefined);
    });
  });

  describe('toServerUrl', () => {
    it('reads host, host:port, IPv6 and https URLs as https URLs', () => {
      expect(toServerUrl('10.0.0.1')).to.equal('https://10.0.0.1');
      expect(toServerUrl('10.0.0.1:6443')).to.equal('https://10.0.0.1:6443');
      expect(toServerUrl('api.example.com:443')).to.equal('https://api.example.com');
      expect(toServerUrl('fd00::1')).to.equal('https://[fd00::1]');
      expect(toServerUrl('[fd00::1]:6443')).to.equal('https://[fd00::1]:6443');
      expect(toServerUrl('https://10.0.0.1:6443/')).to.equal('https://10.0.0.1:6443');
      expect(toServerUrl(' https://proxy.example.com/k8s/clusters/c-1/ ')).to.equal(
        'https://proxy.example.com/k8s/clusters/c-1',
      );
    });

    const refusals: [string, RegExp][] = [
      ['http://10.0.0.1', /plain http/],
      ['ftp://10.0.0.1', /only https/],
      ['https://10.0.0.1?x=1', /query or fragment/],
      ['https://10.0.0.1#frag', /query or fragment/],
      ['10.0.0.1/path', /neither host\[:port\] nor an https URL/],
      ['', /is empty/],
      ['host:notaport', /neither host\[:port\] nor an https URL/],
    ];
    for (const [address, pattern] of refusals) {
      it(`refuses ${JSON.stringify(address)} as BadEndpoint`, () => {
        let error: unknown;
        try {
          toServerUrl(address);
        } catch (err) {
          error = err;
        }
        expect(error).to.be.instanceOf(ClusterConnectionError);
        expect((error as ClusterConnectionError).reason).to.equal('BadEndpoint');
        expect((error as Error).message).to.match(pattern);
      });
    }

    it('refuses credentials in the URL without quoting them', () => {
      for (const address of ['https://user:s3cr3t@10.0.0.1', 'user:s3cr3t@10.0.0.1']) {
        let error: unknown;
        try {
          toServerUrl(address);
        } catch (err) {
          error = err;
        }
        expect((error as ClusterConnectionError).reason).to.equal('BadEndpoint');
        expect((error as Error).message).to.not.include('s3cr3t');
      }
    });
  });
});
